<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology|Labeling" labelsEnabled="1">
<renderer-v2 type="categorizedSymbol" attr="to_force" symbollevels="0" enableorderby="0" forceraster="0">
<categories>
<category symbol="0" value="asayish" label="asayish" render="true"/>
<category symbol="1" value="ndf" label="ndf" render="true"/>
</categories>
<symbols>
<symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map"><Option name="color" type="QString" value="0,158,115,153"/><Option name="style" type="QString" value="solid"/><Option name="outline_color" type="QString" value="51,51,51,255"/><Option name="outline_style" type="QString" value="solid"/><Option name="outline_width" type="QString" value="0.3"/><Option name="outline_width_unit" type="QString" value="MM"/></Option><prop k="color" v="0,158,115,153"/><prop k="style" v="solid"/><prop k="outline_color" v="51,51,51,255"/><prop k="outline_style" v="solid"/><prop k="outline_width" v="0.3"/><prop k="outline_width_unit" v="MM"/></layer></symbol>
<symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map"><Option name="color" type="QString" value="213,94,0,153"/><Option name="style" type="QString" value="solid"/><Option name="outline_color" type="QString" value="51,51,51,255"/><Option name="outline_style" type="QString" value="solid"/><Option name="outline_width" type="QString" value="0.3"/><Option name="outline_width_unit" type="QString" value="MM"/></Option><prop k="color" v="213,94,0,153"/><prop k="style" v="solid"/><prop k="outline_color" v="51,51,51,255"/><prop k="outline_style" v="solid"/><prop k="outline_width" v="0.3"/><prop k="outline_width_unit" v="MM"/></layer></symbol>
</symbols>
</renderer-v2>
<labeling type="simple"><settings calloutType="simple"><text-style fieldName="name" isExpression="0" fontSize="9" fontWeight="75" textColor="17,17,17,255" fontFamily="Noto Sans"><text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" bufferColor="255,255,255,255"/></text-style><placement placement="1" offsetType="0"/><rendering obstacle="1" fontLimitPixelSize="0"/></settings></labeling>
</qgis>
